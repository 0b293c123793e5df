import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { DriverCodeCourier } from '@kouan/booking';
import { DomainError } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { NotificationsRepository } from './notifications.repository';
import { driverCodeText } from './texts';

/** Texts a booking may get in an hour: a driver who lost the first gets more, a phone is not flooded. */
export const DRIVER_CODE_TEXTS_PER_HOUR = 3;
/** What a sent text's stored copy shows for the code (the link, useless without it, is left out). */
const REDACTED = '••••';
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The notify lib's DriverCodeCourier (provided to the API by DriverCodeCourierModule): the text is a notification on
 * the sms channel, written in the reissue's transaction and sent by the worker's NotificationSender like any other.
 */
@Injectable()
export class DriverCodeTexts extends DriverCodeCourier {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async queue(em: EntityManager, bookingId: string, driverCode: string, at: Date): Promise<string> {
    if (!this.config.env.notifyChannels.includes('sms'))
      throw new DomainError('unavailable', 'text messages are off here (NOTIFY_CHANNELS has no sms)');
    const [r] = await this.repo.recipients(em, [bookingId]);
    if (!r || !E164.test(r.phone ?? ''))
      throw new DomainError('no_phone', "the driver has no phone number to text: add one under the firm's drivers");
    // The reissue before this holds the booking's row, so a racing send counts this one's text once committed.
    const sent = await this.repo.driverCodeTexts(em, bookingId, new Date(at.getTime() - 3600_000));
    if (sent.length >= DRIVER_CODE_TEXTS_PER_HOUR) {
      const retryAt = DateTime.fromJSDate(new Date(sent[0].getTime() + 3600_000))
        .setZone(r.time_zone)
        .toISO();
      throw new DomainError(
        'too_many_requests',
        `${DRIVER_CODE_TEXTS_PER_HOUR} texts of this booking's code within the hour; the next may go after ${retryAt}`,
      );
    }
    // The booking's texts still queued carry codes this reissue just ended: they are given up unsent.
    await this.repo.supersedeDriverCodeTexts(em, bookingId);
    await this.repo.add(
      em,
      [
        {
          channel: 'sms',
          n: {
            eventId: randomUUID(),
            bookingId,
            firmId: r.firm_id,
            kind: 'driver_code',
            reference: r.reference,
            port: r.port_name,
            lane: null,
            phone: r.phone,
            language: r.language,
            text: driverCodeText(r.language, r.port_name, r.reference, driverCode, this.config.env.publicUrl),
            storedText: driverCodeText(r.language, r.port_name, r.reference, REDACTED, undefined),
            update: null,
          },
        },
      ],
      at,
    );
    return r.phone;
  }
}
