import type { FieldDto, LicenceDto, WaitHourDto } from './dto/open-data.dto';

/** The feed's licence: in every JSON answer, as the `Link` header of every answer (CSV too), and in docs/open-data.md. */
export const LICENCE: LicenceDto = {
  name: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  attribution: 'Kouan open data, border road ports of Yunnan',
};

/** RFC 8288 web link with the registered `license` relation (RFC 4946): how a CSV, which has no room for it, says its licence. */
export const LICENCE_LINK = `<${LICENCE.url}>; rel="license"`;

const field = (name: string, type: string, unit: string | null, description: string): FieldDto => ({
  name,
  type,
  unit,
  description,
});

const direction = (d: 'export' | 'import') => [
  field(`directions.${d}.lanesOpen`, 'integer', 'lanes', `${d} lanes open now`),
  field(`directions.${d}.lanes`, 'integer', 'lanes', `${d} lanes, whatever their status`),
  field(`directions.${d}.trucksWaiting`, 'integer', 'trucks', `${d} trucks checked in and waiting to be called`),
  field(
    `directions.${d}.waitMinutes`,
    'number',
    'minutes',
    `estimated wait from check-in to the call for a ${d} truck checking in now: the trucks ahead over the open ` +
      "lanes' pace (median of each lane's last 20 services, the port's default before any); null while no lane is open",
  ),
];

/** What each field of GET /open/v1/ports means, in the answer and in docs/open-data.md. */
export const PORT_FIELDS: FieldDto[] = [
  field('code', 'string', null, 'port code'),
  field('name', 'string', null, 'port name'),
  field('mode', 'string', null, 'road, rail or air; only road ports have lanes and queues'),
  field('counterpart.name', 'string', null, 'the port across the border, null when none is recorded'),
  field(
    'counterpart.status',
    'string',
    null,
    'what the far side says of our export trucks (open, slowed, closed; open once its stated end passed); null without a counterpart',
  ),
  ...direction('export'),
  ...direction('import'),
];

/** What each column of GET /open/v1/waits (and of its CSV, in this order) means. */
export const WAIT_FIELDS: Array<FieldDto & { name: keyof WaitHourDto }> = [
  field('port', 'string', null, 'port code'),
  field('date', 'string', null, 'local day at the port, YYYY-MM-DD'),
  field(
    'hour',
    'integer',
    'hour',
    'local hour at the port, 0-23 (10 is 10:00-10:59); a truck counts in the hour its slot starts',
  ),
  field('startsAt', 'string', null, "the hour's start, ISO-8601 with the port's offset"),
  field('direction', 'string', null, 'export or import'),
  field(
    'suppressed',
    'boolean',
    null,
    'true when fewer than 5 trucks were served in the hour: every figure below is then null',
  ),
  field('trucksServed', 'integer', 'trucks', 'trucks of the hour completed at a lane'),
  field(
    'waitP50Minutes',
    'number',
    'minutes',
    'median wait from check-in to the call, over the trucks of the hour called',
  ),
  field('waitP90Minutes', 'number', 'minutes', '90th percentile of that wait (interpolated)'),
  field('slotsBooked', 'integer', 'places', 'places booked (not cancelled) in the slots starting in the hour'),
  field('slotCapacity', 'integer', 'places', 'places offered in those slots'),
  field('slotUse', 'number', 'ratio', 'slotsBooked / slotCapacity, 0-1, 3 decimals; null when nothing was offered'),
  field(
    'callToLaneP50Minutes',
    'number',
    'minutes',
    'median from the call to the lane camera seeing the truck at its lane; null when no lane camera saw any',
  ),
  field(
    'laneServiceP50Minutes',
    'number',
    'minutes',
    'median from arrival at the lane to completion; null when no lane camera saw any',
  ),
  field(
    'laneToYardP50Minutes',
    'number',
    'minutes',
    "median from completion to the yard's confirmation; null when the yard confirmed none",
  ),
] as Array<FieldDto & { name: keyof WaitHourDto }>;
