import { notFound } from '@kouan/common';
import type { Role } from './entities/user.entity';

/** Who is calling, as proven by the access token. */
export interface Principal {
  /** User id, or booking id for a driver. */
  sub: string;
  role: Role;
  firmId?: string;
  portCode?: string;
  bookingId?: string;
  /** The sign-in (refresh family) the token belongs to: ending it refuses the token (staff, firm, admin, regulator). */
  sessionId?: string;
  /** When the token proving it expires (ms since the epoch); set on verified principals. */
  expiresAt?: number;
  /** A driver's: the booking's driver-code version the token was signed under (a new code ends older sessions). */
  codeVersion?: number;
}

export const isFirmUser = (p: Principal) => p.role === 'firm_admin' || p.role === 'dispatcher';

/** Staff of one port (at its lanes or in its yard), as opposed to port admins and regulators, who see every port. */
export const isPortStaff = (p: Principal) => p.role === 'port_staff' || p.role === 'yard_staff';

/** Port staff and counterpart officers act at their own port only: every other port does not exist for them (404). */
export function assertPortScope(p: Principal, port: string): void {
  if ((isPortStaff(p) || p.role === 'counterpart') && p.portCode !== port) throw notFound(`port ${port}`);
}
