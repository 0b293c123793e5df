import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { ArrivalIn, CounterpartTrafficRepository, DepartureDto, DeparturesPageDto } from '@kouan/booking';
import { AppConfig, CounterpartLink } from '@kouan/config';
import { Clock, inTransaction, normalisePlate } from '@kouan/common';
import { slotGrid } from '@kouan/calendar';
import { warnGate } from '@kouan/db';
import { IncidentsReader } from '@kouan/ports';
import { statusOfIncidents } from './incident-status';
import { acceptanceByDate, ImportSlot } from './import-windows';
import { LinkClient } from './link-client';
import { LinkRepository } from './link.repository';

/** The far side's port as its public `GET /ports/:code` shows it: what the link needs of it. */
interface TheirPort {
  timeZone: string;
  schedule: { horizonDays: number } | null;
}

/** The longest a run holds its link: a worker that dies mid-run leaves it to the next run after this. */
const LEASE_MS = 120_000;

/** Departures asked per page, and pages per run at most (the rest waits for the next run). */
const PAGE = 200;
const MAX_PAGES = 20;

/** A departure of theirs as our arrival (plates as ours are written; one that is no plate of ours is left out). */
function arrivalOf(d: DepartureDto): ArrivalIn | null {
  const plate = normalisePlate(d.plate);
  if (!plate) return null;
  return {
    plate,
    trailerPlate: d.trailerPlate ? normalisePlate(d.trailerPlate) : null,
    firmName: d.firmName,
    cargo: d.cargo,
    declarationNo: d.declarationNo,
    departedAt: d.completedAt,
  };
}

/** What a run did: the status it posted (null: none), their dates whose acceptance it pushed, arrivals it recorded. */
export interface SyncResult {
  status: string | null;
  pushed: string[];
  arrived: number;
}

/** Their port's URL: what a link's state row is kept for (the credential is never stored). */
export const remoteOf = (link: CounterpartLink): string => `${link.apiUrl}/ports/${link.theirPort}`;

/**
 * One link's run (the worker's SyncCounterpartLink job, every COUNTERPART_SYNC_SECONDS): our open incidents posted
 * as the far side's status of us when that changed, our port's import capacity pushed as the far side's acceptance, only for their dates whose windows changed since the last push, then their
 * export departures pulled (cursor kept on the link's row) and recorded as our arrivals. A failure is
 * recorded on the link's row (GET /ports/:code/counterpart/link), logged, and thrown so BullMQ retries with backoff.
 */
@Injectable()
export class LinkService {
  private readonly logger = new Logger(LinkService.name);
  private readonly clients = new Map<string, LinkClient>();
  private readonly gates = new Map<string, ReturnType<typeof warnGate>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly repo: LinkRepository,
    private readonly arrivals: CounterpartTrafficRepository,
    private readonly incidents: IncidentsReader,
    private readonly clock: Clock,
  ) {}

  async sync(port: string): Promise<SyncResult> {
    const link = this.config.env.counterpartLinks.find((l) => l.port === port);
    const none: SyncResult = { status: null, pushed: [], arrived: 0 };
    // A scheduler left from a link since removed: the worker removes it at its next upsert.
    if (!link) return none;
    const at = this.clock.now();
    await this.repo.ensure(port, remoteOf(link), at);
    // One run of a link at a time (a retry and the next scheduled run may meet, or two workers): the other skips.
    if (!(await this.repo.lease(port, at, new Date(at.getTime() + LEASE_MS)))) return none;
    try {
      const status = await this.relayIncidents(link);
      const pushed = await this.pushAcceptance(link);
      const arrived = await this.pullDepartures(link);
      await this.repo.succeeded(port, this.clock.now());
      this.gates.get(port)?.reset();
      return { status, pushed, arrived };
    } catch (e) {
      const message = (e as Error).message;
      await this.repo.failed(port, message, this.clock.now());
      const gate = this.gates.get(port) ?? warnGate();
      this.gates.set(port, gate);
      if (gate.due()) this.logger.warn({ port, remote: remoteOf(link), err: { message } }, 'counterpart link failed');
      throw e;
    } finally {
      await this.repo.release(port);
    }
  }

  /**
   * Our open incidents as their status of us (`POST /ports/<their code>/counterpart/status`): posted only when it
   * differs from what was posted last, so a statement their side makes by hand stands until ours changes. Before any
   * incident of ours nothing is posted (their side reads us as open). Returns the status posted, or null.
   */
  private async relayIncidents(link: CounterpartLink): Promise<string | null> {
    const zone = await this.repo.timeZone(link.port);
    if (!zone) throw new Error(`our port ${link.port} is not known here (is it seeded?)`);
    const status = statusOfIncidents(await this.incidents.open(link.port, zone));
    const text = JSON.stringify(status);
    const last = (await this.repo.state(link.port))?.pushed_status ?? null;
    if (text === last || (last === null && status.status === 'open')) return null;
    const client = this.clientOf(link);
    await client.call('POST', `${client.portPath}/counterpart/status`, status);
    await this.repo.pushedStatus(link.port, text, this.clock.now());
    this.logger.log({ port: link.port, status: status.status }, 'relayed our incidents as their status of us');
    return status.status;
  }

  /** Pushes what changed; returns their dates pushed. */
  private async pushAcceptance(link: CounterpartLink): Promise<string[]> {
    const client = this.clientOf(link);
    const theirs = await client.read<TheirPort>(client.portPath);
    const at = this.clock.now();
    const theirToday = DateTime.fromJSDate(at, { zone: theirs.timeZone }).startOf('day');
    const theirLast = theirToday.plus({ days: theirs.schedule?.horizonDays ?? 0 }).toISODate() as string;
    const firstDate = theirToday.toISODate() as string;
    await this.repo.forgetPushedBefore(link.port, firstDate);
    const state = await this.repo.state(link.port);
    const done: string[] = [];
    for (const [date, windows] of acceptanceByDate(await this.ourImportSlots(link.port, at), theirs.timeZone)) {
      if (date < firstDate || date > theirLast) continue;
      const text = JSON.stringify(windows);
      if (state?.pushed[date] === text) continue;
      await client.call('PUT', `${client.portPath}/counterpart/acceptance`, {
        date,
        windows,
        reason: `import capacity of ${link.port} (Kouan link)`,
      });
      await this.repo.pushed(link.port, date, text, this.clock.now());
      done.push(date);
    }
    if (done.length) this.logger.log({ port: link.port, dates: done }, 'pushed import capacity as acceptance');
    return done;
  }

  /**
   * Their export departures after our cursor, recorded as our arrivals ("on the way" until their plate checks in
   * here). A page that is not full ends the feed for now, and its `next` is null: the cursor stays, so the next run
   * reads that page again, which records nothing twice (an arrival is one per port, plate and departure).
   */
  private async pullDepartures(link: CounterpartLink): Promise<number> {
    const client = this.clientOf(link);
    let cursor = (await this.repo.state(link.port))?.departures_cursor ?? null;
    let seen = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE), ...(cursor ? { after: cursor } : {}) });
      const got = await client.call<DeparturesPageDto>('GET', `${client.portPath}/counterpart/departures?${query}`);
      const trucks = got.items.map(arrivalOf).filter((t): t is ArrivalIn => t !== null);
      const at = this.clock.now();
      if (trucks.length) await inTransaction(this.ds, (em) => this.arrivals.announce(em, link.port, trucks, at));
      seen += trucks.length;
      if (!got.next || !(await this.repo.advanceCursor(link.port, cursor, got.next, at))) break;
      cursor = got.next;
    }
    return seen;
  }

  /** Our import slots from today to our horizon: those made, and the schedule's grid where none is made yet. */
  private async ourImportSlots(port: string, at: Date): Promise<ImportSlot[]> {
    const plan = await this.repo.importPlan(port);
    if (!plan) throw new Error(`our port ${port} has no schedule (is it seeded?)`);
    const today = DateTime.fromJSDate(at, { zone: plan.time_zone }).startOf('day');
    const end = today.plus({ days: plan.horizon_days + 1 });
    const made = new Map(
      (await this.repo.importSlots(port, today.toJSDate(), end.toJSDate())).map((s) => [
        s.starts_at.getTime(),
        s.capacity,
      ]),
    );
    const slots: ImportSlot[] = [];
    for (let day = today; day < end; day = day.plus({ days: 1 })) {
      const grid = slotGrid(
        day.toISODate() as string,
        { slotMinutes: plan.slot_minutes, openFrom: plan.open_from, openTo: plan.open_to },
        plan.time_zone,
      );
      for (const g of grid) slots.push({ ...g, capacity: made.get(g.startsAt.getTime()) ?? plan.capacity_import });
    }
    return slots;
  }

  private clientOf(link: CounterpartLink): LinkClient {
    const client = this.clients.get(link.port) ?? new LinkClient(link, this.config.env.counterpartTimeoutMs);
    this.clients.set(link.port, client);
    return client;
  }
}
