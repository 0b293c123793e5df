/** Codes a client can act on. Each maps to one HTTP status in `HttpExceptionFilter`. */
export const ERROR_STATUS = {
  bad_request: 400,
  malformed_alert: 400,
  xml_not_allowed: 400,
  unauthorized: 401,
  forbidden: 403,
  wrong_password: 403,
  not_found: 404,
  conflict: 409,
  slot_full: 409,
  slot_unavailable: 409,
  quota_exceeded: 409,
  vehicle_busy: 409,
  duplicate_plate: 409,
  duplicate_email: 409,
  illegal_transition: 409,
  same_slot: 409,
  already_checked_in: 409,
  ambiguous_plate: 409,
  lane_not_open: 409,
  not_no_show: 409,
  already_waived: 409,
  declaration_locked: 409,
  too_many_endpoints: 409,
  phone_check_in_off: 409,
  read_not_open: 409,
  not_at_lane: 409,
  counterpart_closed: 409,
  port_incident: 409,
  queue_empty: 404,
  booking_closed: 410,
  alert_too_large: 413,
  unsupported_media_type: 415,
  too_early: 422,
  too_late: 422,
  declaration_missing: 422,
  outside_geofence: 422,
  idempotency_mismatch: 422,
  slot_past: 422,
  outside_horizon: 422,
  wrong_port_or_direction: 422,
  invalid_schedule: 422,
  invalid_holding_area: 422,
  invalid_acceptance: 422,
  date_out_of_range: 422,
  url_not_allowed: 422,
  no_phone: 422,
  invalid_device: 422,
  read_in_future: 422,
  locked: 423,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A rule the caller broke, with a stable code. Services throw these; one filter turns them into HTTP. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Where the contract gives one code two statuses (too_early: 422 at check-in, 409 for a no-show). */
    private readonly statusOverride?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return this.statusOverride ?? ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
