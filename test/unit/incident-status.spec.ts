import { INCIDENTS_CLOSED, statusOfIncidents } from '@kouan/link';
import type { IncidentDto } from '@kouan/ports';

const incident = (kind: string, message: string, until: string | null = null): IncidentDto => ({
  id: `${kind}-${message}`,
  kind,
  message,
  until,
  openedAt: '2026-12-06T09:00:00+07:00',
});

describe('our incidents as the far side status of us', () => {
  it('is open when none is open', () => {
    expect(statusOfIncidents([])).toEqual({ status: 'open', reason: INCIDENTS_CLOSED });
  });

  it('is closed by a closure, with its message and until; other kinds do not add to it', () => {
    expect(
      statusOfIncidents([
        incident('weather', 'fog on the bridge'),
        incident('closure', 'landslide', '2026-12-06T14:00:00+07:00'),
      ]),
    ).toEqual({ status: 'closed', reason: 'landslide', until: '2026-12-06T14:00:00+07:00' });
  });

  it('is slowed by the other kinds, their messages joined, until the latest of them', () => {
    expect(
      statusOfIncidents([
        incident('weather', 'fog on the bridge', '2026-12-06T12:00:00+07:00'),
        incident('system', 'scanner down', '2026-12-06T15:00:00+07:00'),
      ]),
    ).toEqual({ status: 'slowed', reason: 'fog on the bridge; scanner down', until: '2026-12-06T15:00:00+07:00' });
  });

  it('has no until while one of the incidents that set it has none, and a reason of 500 characters at most', () => {
    const status = statusOfIncidents([
      incident('closure', 'a'.repeat(400), '2026-12-06T14:00:00+07:00'),
      incident('closure', 'b'.repeat(400)),
    ]);
    expect(status).toEqual({ status: 'closed', reason: expect.any(String) });
    expect(status.reason).toHaveLength(500);
  });
});
