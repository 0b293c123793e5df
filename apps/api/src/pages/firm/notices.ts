/**
 * What stops or slows the ports the firm sends trucks to (a far side closed, an incident), above its bookings. The
 * port it booked at last is read at the start; every firm hears counterpart:update and incident:update of every port,
 * and a port that has something to say is read again whole (GET /ports/:code) and shown under its name.
 */
import { $, fill } from '../shared/dom';
import { api } from '../shared/api';
import { format, type Args } from '../shared/i18n';
import type { LiveSocket } from '../shared/live';
import { load } from '../shared/storage';
import { noticeBanner, noticeLines, noticesOf, type PortNotices } from '../shared/notices';
import { PORT_KEY, S, t } from './dashboard';
import { portName } from './ports';

const byPort: Record<string, PortNotices> = {};

export function renderNotices(): void {
  const words = (k: string, args?: Args) => format(t(k), args);
  const lines: string[] = [];
  Object.keys(byPort)
    .sort()
    .forEach(function (code) {
      noticeLines(byPort[code], S.lang, words).forEach(function (l) {
        lines.push(portName(code) + ' · ' + l);
      });
    });
  fill($('notices'), [noticeBanner(lines)]);
}

async function read(code: string): Promise<void> {
  try {
    byPort[code] = noticesOf(await api('GET', '/ports/' + encodeURIComponent(code)));
    renderNotices();
  } catch {
    /* the dashboard works without them */
  }
}

/** Reads the last port's notices now, each port that changes as it does, and all of them again after a reconnect. */
export function watchNotices(socket: LiveSocket): void {
  void read(load(PORT_KEY) || 'MOHAN');
  socket.on('counterpart:update', (u) => void read(u.port));
  socket.on('incident:update', (u) => void read(u.port));
  socket.io.on('reconnect', function () {
    Object.keys(byPort).forEach((code) => void read(code));
  });
}
