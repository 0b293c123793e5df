import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EntityManager } from 'typeorm';
import { BookingEventConsumer, ConsumesBookingEvents, DomainEvent } from '@kouan/booking';
import { Clock } from '@kouan/common';
import { laneLabel, message } from '@kouan/queue';
import { DriverNotification, NOTIFICATION_CHANNELS, NotificationChannel } from './notification';
import { NotificationSender } from './notification-sender';
import { NotificationsRepository, RecipientRow } from './notifications.repository';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';
import { counterpartText, reminderText } from './texts';

/** A booking's end: its driver's push subscription goes with it. */
const ENDINGS = new Set(['booking.completed', 'booking.cancelled', 'booking.no_show']);

/** A booking the port moved or cancelled because the far side takes fewer trucks (docs/counterpart.md). */
const isCounterpartMove = (e: DomainEvent) =>
  (e.type === 'booking.rescheduled' || e.type === 'booking.cancelled') && e.data.reason === 'counterpart_capacity';

/**
 * The events drivers are told about outside the queue's own updates: reminders before the slot, the call to a lane,
 * and a move or cancellation by the port when the far side takes fewer trucks (a text message or a push reaches a
 * phone whose page is closed). One notification per event and channel, written in the relay's transaction (webpush only for a booking whose driver subscribed); NotificationSender sends
 * them. A booking's end deletes its push subscription in the same transaction.
 */
@Injectable()
@ConsumesBookingEvents('notify')
export class NotifyConsumer implements BookingEventConsumer {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly sender: NotificationSender,
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: NotificationChannel[],
    private readonly clock: Clock,
  ) {}

  async handle(em: EntityManager, events: DomainEvent[]): Promise<void> {
    const ended = events.filter((e) => ENDINGS.has(e.type)).map((e) => e.bookingId);
    if (ended.length) await this.subscriptions.removeOf(em, ended);
    const wanted = events.filter(
      (e) => e.type === 'booking.reminder' || e.type === 'booking.called' || isCounterpartMove(e),
    );
    if (!wanted.length || !this.channels.length) return;
    const who = new Map(
      (
        await this.repo.recipients(
          em,
          wanted.map((e) => e.bookingId),
        )
      ).map((r) => [r.id, r]),
    );
    const laneIds = wanted.map((e) => e.data.laneId).filter((id): id is string => typeof id === 'string');
    const lanes = new Map((laneIds.length ? await this.repo.laneNames(em, laneIds) : []).map((l) => [l.id, l.name]));
    const pushed = this.channels.some((c) => c.name === 'webpush')
      ? await this.subscriptions.subscribed(
          em,
          wanted.map((e) => e.bookingId),
        )
      : new Set<string>();
    const notifications = wanted.flatMap((e) => {
      const r = who.get(e.bookingId);
      const n = r && this.notification(e, r, lanes);
      return n
        ? this.channels
            .filter((c) => c.name !== 'webpush' || pushed.has(e.bookingId))
            .map((c) => ({ channel: c.name, n }))
        : [];
    });
    await this.repo.add(em, notifications, this.clock.now());
  }

  relayed(): void {
    this.sender.wake();
  }

  private notification(e: DomainEvent, r: RecipientRow, lanes: Map<string, string>): DriverNotification | null {
    const base = {
      eventId: e.id,
      bookingId: e.bookingId,
      firmId: e.firmId,
      phone: r.phone,
      language: r.language,
      reference: r.reference,
      port: r.port_name,
    };
    if (e.type === 'booking.called') {
      const lane = laneLabel(lanes.get(e.data.laneId as string) ?? '', r.language);
      return { ...base, kind: 'called', lane, text: message('proceedToLane', r.language, { lane }), update: null };
    }
    const starts = DateTime.fromJSDate(r.starts_at).setZone(r.time_zone);
    const time = starts.toFormat('HH:mm');
    if (isCounterpartMove(e)) {
      const kind = e.type === 'booking.rescheduled' ? 'moved' : 'cancelled';
      const text = counterpartText(r.language, kind, r.port_name, r.reference, starts.toISODate() as string, time);
      // The driver's page hears of it by booking:update from the event itself (BookingLiveConsumer).
      return { ...base, kind, lane: null, text, update: null };
    }
    const text = reminderText(r.language, r.port_name, time, e.data.before === '30m' ? '30m' : '2h');
    return {
      ...base,
      kind: 'reminder',
      lane: null,
      text,
      update: {
        bookingId: e.bookingId,
        reference: r.reference,
        status: 'booked',
        position: null,
        etaMinutes: null,
        reason: 'reminder',
        parking: null,
        lane: null,
        atLaneAt: null,
        instructions: text,
      },
    };
  }
}
