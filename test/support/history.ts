import { API, bearer, cargo, TestApi, TestFirm } from './harness';

/** Books `n` trucks of `firm` (its vehicles and drivers from `first` on) into one slot, through the API; their ids. */
export async function bookInto(api: TestApi, firm: TestFirm, slotId: string, n: number, first = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = first; i < first + n; i++) {
    const b = await api.http
      .post(`${API}/bookings`)
      .set(bearer(firm.dispatcherToken))
      .send({ slotId, vehicleId: firm.vehicleIds[i], driverId: firm.driverIds[i], cargo: cargo() })
      .expect(201);
    ids.push(b.body.id);
  }
  return ids;
}

/** Moves a slot and its bookings `days` days back: booked ahead through the API, they become history. */
export async function moveBack(api: TestApi, slotId: string, days: number): Promise<void> {
  await api.ds.query(
    `UPDATE slots SET starts_at = starts_at - make_interval(days => $2::int), ends_at = ends_at - make_interval(days => $2::int) WHERE id = $1`,
    [slotId, days],
  );
  await api.ds.query('UPDATE bookings SET service_date = service_date - $2::int WHERE slot_id = $1', [slotId, days]);
}

export interface Outcome {
  status: 'completed' | 'no_show' | 'checked_in' | 'called';
  /** Minutes from the slot's start to the check-in (negative: early); omitted for a truck that never came. */
  checkIn?: number;
  /** Minutes from check-in to the call. */
  wait?: number;
  /** Minutes from the call to completion (completed only). */
  service?: number;
  /** Minutes from the call to the yard's confirmation. */
  yard?: number;
}

/** Writes what happened to a booking, in minutes from its slot's start (a no-show is marked 30 min after the slot ends). */
export async function settle(api: TestApi, bookingId: string, o: Outcome): Promise<void> {
  await api.ds.query(
    `UPDATE bookings b SET status = $2::varchar,
       checked_in_at = s.starts_at + $3::int * interval '1 minute',
       called_at = s.starts_at + ($3::int + $4::int) * interval '1 minute',
       completed_at = CASE WHEN $2::varchar = 'completed' THEN s.starts_at + ($3::int + $4::int + $5::int) * interval '1 minute' END,
       yard_arrived_at = s.starts_at + ($3::int + $4::int + $6::int) * interval '1 minute',
       no_show_at = CASE WHEN $2::varchar = 'no_show' THEN s.ends_at + interval '30 minutes' END
     FROM slots s WHERE b.id = $1 AND s.id = b.slot_id`,
    [bookingId, o.status, o.checkIn ?? null, o.wait ?? null, o.service ?? null, o.yard ?? null],
  );
}
