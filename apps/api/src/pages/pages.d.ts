/**
 * What the pages' scripts (plain browser scripts, checked by `tsc -p tsconfig.pages.json`) share: socket.io's browser
 * client (its own script tag), and the live events' types, named once here for every page's JSDoc.
 */
type BookingUpdate = import('../../../../libs/realtime/src/live-events').BookingUpdate;
type QueueUpdate = import('../../../../libs/realtime/src/live-events').QueueUpdate;
type QueueUpdateDelta = import('../../../../libs/realtime/src/live-events').QueueUpdateDelta;
type StaffQueueUpdate = import('../../../../libs/realtime/src/live-events').StaffQueueUpdate;
type StaffQueueUpdateDelta = import('../../../../libs/realtime/src/live-events').StaffQueueUpdateDelta;
type LaneUpdate = import('../../../../libs/realtime/src/live-events').LaneUpdate;
type YardUpdate = import('../../../../libs/realtime/src/live-events').YardUpdate;
type Forecast = import('../../../../libs/insights/src/dto/forecast.dto').ForecastDto;

declare const io: (
  path: string,
  opts?: { auth?: { token?: string } | ((cb: (data: { token?: string }) => void) => void) },
) => import('socket.io-client').Socket;

/** The live protocol (libs/realtime/src/live-protocol.ts), bundled into /assets/live-protocol.js before common.js. */
declare const KouanLive: typeof import('../../../../libs/realtime/src/live-protocol');
