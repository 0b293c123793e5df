import { API, bearer, cargo, slotsOf, TestApi, TestFirm } from './harness';
import { moveBack, settle } from './history';
import { portTime, TestClock } from './test-clock';

/**
 * A queue whose rest of the day is certain, for the outlook's tests (docs/outlook.md): on `day` at `port`, a history
 * of twenty trucks a week before, all come and served (no truck skipped or timed out: the model has no absent trucks),
 * ten export trucks served 08:00–08:30 at exactly 12 minutes each (today's measurement: 12 minutes, spread 0), then at 10:00
 * (where `clock` is left) `waiting` trucks checked in to the 10:00 slot, and no booked truck still to come. Uses the
 * firm's vehicles and drivers 0 … 9 + waiting; `join(i)` checks in one more with vehicle i.
 */
/** Trucks of the history: the measured share of absent trucks needs 20 called (MIN_DECIDED). */
const HISTORY = 20;

export async function certainQueue(
  api: TestApi,
  clock: TestClock,
  firm: TestFirm,
  staffToken: string,
  port: string,
  day: string,
  waiting: number,
): Promise<{ waiting: string[]; join: (i: number) => Promise<string> }> {
  const slotAtHour = async (hour: string) =>
    (await slotsOf(api, port, day, 'export')).find((s) => s.startsAt.slice(11, 16) === hour)!.id;
  const book = async (slotId: string, i: number) =>
    (
      await api.http
        .post(`${API}/bookings`)
        .set(bearer(firm.dispatcherToken))
        .send({ slotId, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
        .expect(201)
    ).body as { id: string; reference: string };
  // Booked at 08:00 while the clock stood there, then settled as 12 minutes at the lane each; the history is the
  // day's 09:00 slot moved a week back, settled so.
  clock.set(portTime(day, '08:00:00'));
  const history = await slotAtHour('09:00');
  const past: string[] = [];
  for (let i = 0; i < HISTORY; i++) past.push((await book(history, i)).id);
  await moveBack(api, history, 7);
  for (const id of past) await settle(api, id, { status: 'completed', checkIn: 0, wait: 1, service: 12 });
  const early = await slotAtHour('08:00');
  for (let i = 0; i < 10; i++)
    await settle(api, (await book(early, i)).id, { status: 'completed', checkIn: 0, wait: 1, service: 12 });
  clock.set(portTime(day, '10:00:00'));
  const join = async (i: number) => {
    const b = await book(await slotAtHour('10:00'), i);
    await api.http
      .post(`${API}/ports/${port}/check-ins`)
      .set(bearer(staffToken))
      .send({ reference: b.reference })
      .expect(201);
    return b.id;
  };
  const ids: string[] = [];
  for (let i = 10; i < 10 + waiting; i++) ids.push(await join(i));
  return { waiting: ids, join };
}
