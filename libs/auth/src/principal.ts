import type { Role } from './entities/user.entity';

/** Who is calling, as proven by the access token. */
export interface Principal {
  /** User id, or booking id for a driver. */
  sub: string;
  role: Role;
  firmId?: string;
  portCode?: string;
  bookingId?: string;
}

export const isFirmUser = (p: Principal) => p.role === 'firm_admin' || p.role === 'dispatcher';
