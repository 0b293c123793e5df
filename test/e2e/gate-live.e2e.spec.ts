import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { MarkDevicesOfflineJob, PurgeGateReadsJob } from '@kouan/gate';
import { API, bearer, portDate, portStaffToken, startApi, TestApi } from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { until } from '../support/processes';
import { portTime, TestClock } from '../support/test-clock';

/**
 * What port staff hear of gate cameras (gate:read, gate:alert, device:update through the port's outbox and the
 * worker's relay), the worker's offline sweep (driven by the Clock) and the 30-day purge of reads.
 */
describe('gate cameras live, offline and purged', () => {
  const PORT = 'MOHAN';
  const OFFLINE_SECONDS = 300;
  let api: TestApi;
  let clock: TestClock;
  let worker: INestApplicationContext;
  let staff: LiveClient;
  let otherStaff: LiveClient;
  let exportLane: string;
  const opened: LiveClient[] = [];

  const device = (key: string) => ({ Authorization: `Device ${key}` });
  const newPlate = () => `云C${randomBytes(3).toString('hex').toUpperCase()}`;
  const advance = (seconds: number) => clock.set(clock.now().getTime() + seconds * 1000);

  beforeAll(async () => {
    clock = new TestClock().set(portTime(portDate(2), '10:30:00'));
    api = await startApi({ DEVICE_OFFLINE_SECONDS: String(OFFLINE_SECONDS) }, { clock });
    worker = await api.worker();
    staff = await connectLive(api.url, opened, { token: await portStaffToken(api, PORT) });
    otherStaff = await connectLive(api.url, opened, { token: await portStaffToken(api, 'HEKOU') });
    exportLane = (await api.http.get(`${API}/ports/${PORT}`).expect(200)).body.lanes.find(
      (l: { direction: string }) => l.direction === 'export',
    ).id;
  });
  afterAll(async () => {
    for (const c of opened) c.close();
    await api.close();
  });

  it('staff hear device:update when a camera is registered, re-keyed and removed, and gate:read and gate:alert for its reads', async () => {
    const from = staff.mark();
    const cam = (
      await api.http
        .post(`${API}/ports/${PORT}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: 'Lane 1 camera', position: 'lane', laneId: exportLane })
        .expect(201)
    ).body as { id: string; key: string };
    await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'created', from);

    const plate = newPlate();
    const res = await api.http
      .post(`${API}/gate/reads`)
      .set(device(cam.key))
      .send({ plate, confidence: 0.95 })
      .expect(202);
    expect(res.body.outcome).toBe('wrong_lane');
    const heard = await staff.waitFor('gate:read', (u) => u.id === res.body.readId, from);
    expect(heard).toEqual({
      id: res.body.readId,
      deviceId: cam.id,
      deviceName: 'Lane 1 camera',
      position: 'lane',
      plate,
      confidence: 0.95,
      outcome: 'wrong_lane',
      bookingId: null,
      reason: 'not_called',
      at: clock.now().toISOString(),
      cameraAt: null,
      resolvedAt: null,
      resolution: null,
    });
    // The event is built with the row before it is stored (one statement): it is the read as stored and listed.
    const listed = (
      await api.http
        .get(`${API}/ports/${PORT}/gate-reads`)
        .set(bearer(await portStaffToken(api, PORT)))
        .expect(200)
    ).body as Array<{ id: string; hasImage: boolean }>;
    expect(listed.find((r) => r.id === res.body.readId)).toEqual({ ...heard, hasImage: false });
    const alert = await staff.waitFor('gate:alert', (u) => u.readId === res.body.readId, from);
    expect(alert).toMatchObject({ deviceId: cam.id, laneId: exportLane, plate, bookingId: null });
    // Its first read brought it online.
    expect(await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'online', from)).toMatchObject({
      online: true,
      lastSeenAt: clock.now().toISOString(),
    });

    const low = await api.http
      .post(`${API}/gate/reads`)
      .set(device(cam.key))
      .send({ plate: newPlate(), confidence: 0.1 })
      .expect(202);
    await staff.waitFor('gate:read', (u) => u.id === low.body.readId && u.outcome === 'low_confidence', from);

    await api.http.post(`${API}/ports/${PORT}/devices/${cam.id}/key`).set(bearer(api.adminToken)).expect(200);
    await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'key_rotated', from);
    await api.http.delete(`${API}/ports/${PORT}/devices/${cam.id}`).set(bearer(api.adminToken)).expect(204);
    await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'deleted' && u.online === false, from);
    // The admin's changes are in the audit trail (never the key); the camera's going online is not.
    const audited = await until('the device changes in the audit trail', async () => {
      const found = (await api.ds.query(
        `SELECT type, actor, data FROM audit_log WHERE data ->> 'id' = $1 ORDER BY seq`,
        [cam.id],
      )) as Array<{ type: string; actor: { role: string }; data: Record<string, unknown> }>;
      return found.length >= 3 ? found : false;
    });
    expect(audited.map((a) => a.type)).toEqual(['device.created', 'device.key_rotated', 'device.deleted']);
    expect(audited.every((a) => a.actor.role === 'port_admin')).toBe(true);
    expect(JSON.stringify(audited)).not.toContain(cam.key);
    // Another port's staff hear nothing of it.
    expect(otherStaff.of('gate:read')).toEqual([]);
    expect(otherStaff.of('device:update')).toEqual([]);
  });

  it('the worker marks a camera silent for DEVICE_OFFLINE_SECONDS offline (device:update); a heartbeat brings it back', async () => {
    const cam = (
      await api.http
        .post(`${API}/ports/${PORT}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: `yard-${randomBytes(2).toString('hex')}`, position: 'yard_gate' })
        .expect(201)
    ).body as { id: string; key: string };
    await api.http.post(`${API}/gate/heartbeat`).set(device(cam.key)).expect(204);
    const sweep = worker.get(MarkDevicesOfflineJob);
    const online = async () =>
      (
        (await api.http.get(`${API}/ports/${PORT}/devices`).set(bearer(api.adminToken)).expect(200)).body as Array<{
          id: string;
          online: boolean;
        }>
      ).find((d) => d.id === cam.id)!.online;

    advance(OFFLINE_SECONDS - 1);
    await sweep.handle();
    expect(await online()).toBe(true);

    const from = staff.mark();
    advance(2);
    // The worker's own 30-second schedule may sweep first: either way it is offline once.
    await sweep.handle();
    expect(await online()).toBe(false);
    expect(await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'offline', from)).toMatchObject({
      online: false,
      position: 'yard_gate',
    });
    // Marked once: the next sweep finds nothing of it to mark.
    await sweep.handle();
    expect(staff.of('device:update', from).filter((u) => u.id === cam.id && u.change === 'offline')).toHaveLength(1);

    await api.http.post(`${API}/gate/heartbeat`).set(device(cam.key)).expect(204);
    expect(await online()).toBe(true);
    await staff.waitFor('device:update', (u) => u.id === cam.id && u.change === 'online', from);
  });

  it('purges reads older than 30 days, keeps younger ones', async () => {
    const cam = (
      await api.http
        .post(`${API}/ports/${PORT}/devices`)
        .set(bearer(api.adminToken))
        .send({ name: `purge-${randomBytes(2).toString('hex')}`, position: 'yard_gate' })
        .expect(201)
    ).body as { id: string; key: string };
    const take = async () =>
      (
        await api.http
          .post(`${API}/gate/reads`)
          .set(device(cam.key))
          .send({ plate: newPlate(), confidence: 0.9 })
          .expect(202)
      ).body.readId as string;
    const old = await take();
    advance(20 * 86_400);
    const young = await take();
    advance(10 * 86_400 + 60);
    const purge = worker.get(PurgeGateReadsJob);
    expect(await purge.handle({ keepDays: 30 })).toBeGreaterThanOrEqual(1);
    const left = (await api.ds.query(`SELECT id FROM gate_reads WHERE device_id = $1`, [cam.id])).map(
      (r: { id: string }) => r.id,
    );
    expect(left).toEqual([young]);
    expect(left).not.toContain(old);
  });
});
