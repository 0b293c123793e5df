import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, inTransaction } from '@kouan/common';
import { AppConfig } from '@kouan/config';
import { JobHandler, JobHandlerFor, JobName } from '@kouan/jobs';
import { PortEvents } from '@kouan/ports';
import { deviceUpdateOf, GateDevicesRepository } from '../gate-devices.repository';

/** No payload: DEVICE_OFFLINE_SECONDS says how long a device may be silent. */
export type MarkDevicesOfflineJobData = Record<string, never>;

/**
 * Marks offline every gate camera silent (no read, no heartbeat) for DEVICE_OFFLINE_SECONDS at the Clock's instant,
 * each with a `device.changed` port event in the same transaction (`device:update` to its port's staff). A read or
 * heartbeat marks it online again.
 */
@Injectable()
@JobHandlerFor(JobName.MarkDevicesOffline)
export class MarkDevicesOfflineJob implements JobHandler<MarkDevicesOfflineJobData> {
  private readonly logger = new Logger(MarkDevicesOfflineJob.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly devices: GateDevicesRepository,
    private readonly events: PortEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The number of devices marked offline. */
  async handle(): Promise<number> {
    const at = this.clock.now();
    const silentSince = new Date(at.getTime() - this.config.env.deviceOfflineSeconds * 1000);
    const gone = await inTransaction(this.ds, async (em) => {
      const marked = await this.devices.markOffline(em, silentSince);
      for (const d of marked)
        await this.events.append(
          em,
          { type: 'device.changed', portCode: d.port_code, direction: null, data: deviceUpdateOf(d, 'offline') },
          at,
        );
      return marked;
    });
    if (gone.length) this.logger.warn({ devices: gone.map((d) => d.id) }, 'gate devices went offline');
    return gone.length;
  }
}
