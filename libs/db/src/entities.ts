import { AuditEntry, AuditPending } from '@kouan/audit/entities/audit.entities';
import { Session } from '@kouan/auth/entities/session.entity';
import { User } from '@kouan/auth/entities/user.entity';
import { BookingEvent } from '@kouan/booking/entities/booking-event.entity';
import { BookingEventFailure } from '@kouan/booking/entities/booking-event-failure.entity';
import { DriverCodeAddressGuesses, DriverCodeGuesses } from '@kouan/booking/entities/driver-code-guess.entity';
import { Booking } from '@kouan/booking/entities/booking.entity';
import { IdempotencyKey } from '@kouan/booking/entities/idempotency-key.entity';
import { Driver } from '@kouan/firms/entities/driver.entity';
import { Firm } from '@kouan/firms/entities/firm.entity';
import { Vehicle } from '@kouan/firms/entities/vehicle.entity';
import { Notification } from '@kouan/notify/entities/notification.entity';
import { ParkingArea } from '@kouan/parking/entities/parking-area.entity';
import { QueueCount } from '@kouan/queue/entities/queue-count.entity';
import { QueueState } from '@kouan/queue/entities/queue-state.entity';
import { Lane } from '@kouan/ports/entities/lane.entity';
import { LaneStatusChange } from '@kouan/ports/entities/lane-status-change.entity';
import { Port } from '@kouan/ports/entities/port.entity';
import { PortFeeSchedule } from '@kouan/ports/entities/fee-schedule.entity';
import { Schedule } from '@kouan/ports/entities/schedule.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '@kouan/webhooks/entities/webhook.entities';
import { Slot, SlotFirmUsage } from '@kouan/ports/entities/slot.entity';

export const ENTITIES = [
  Port,
  Lane,
  LaneStatusChange,
  Schedule,
  Slot,
  SlotFirmUsage,
  Firm,
  Vehicle,
  Driver,
  User,
  Booking,
  BookingEvent,
  BookingEventFailure,
  IdempotencyKey,
  DriverCodeGuesses,
  DriverCodeAddressGuesses,
  ParkingArea,
  QueueState,
  QueueCount,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  Notification,
  PortFeeSchedule,
  AuditPending,
  AuditEntry,
  Session,
];
