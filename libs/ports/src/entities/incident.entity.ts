import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Port } from './port.entity';

/**
 * What staff may report at a port: `closure` stops the calls of both directions while it is open (as a closed far
 * side stops the export ones); the others are shown only.
 */
export const INCIDENT_KINDS = ['closure', 'slowdown', 'accident', 'weather', 'system'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The kinds that stop calls while open. */
export const CALL_STOPPING_KINDS: readonly IncidentKind[] = ['closure'];

/**
 * An incident at a port (issue 20, coordinated emergency response), opened and closed by its staff or admin. Open while
 * `closed_at` is null and its `until`, if any, has not passed (judged at the Clock on every read, like the far side's
 * status).
 */
@Entity('port_incidents')
@Index('ix_port_incidents_open', ['portCode'], { where: '"closed_at" IS NULL' })
@Check('chk_port_incidents_kind', `"kind" IN ('closure', 'slowdown', 'accident', 'weather', 'system')`)
export class PortIncident {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_port_incidents' })
  id: string;

  @Column({ name: 'port_code', type: 'varchar', length: 32 })
  portCode: string;

  @ManyToOne(() => Port, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'port_code', foreignKeyConstraintName: 'fk_port_incidents_port' })
  port: Relation<Port>;

  @Column({ type: 'varchar', length: 16 })
  kind: IncidentKind;

  @Column({ type: 'varchar', length: 500 })
  message: string;

  @Column({ type: 'timestamptz', nullable: true })
  until: Date | null;

  @Column({ name: 'opened_by', type: 'uuid' })
  openedBy: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
