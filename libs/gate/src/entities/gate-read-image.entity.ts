import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { GateRead } from './gate-read.entity';

/** The most a kept picture may weigh (ISAPI_LIMITS.imageBytes: the parser refuses a bigger one first). */
export const MAX_GATE_IMAGE_BYTES = 1024 * 1024;

/**
 * A read's plate picture, kept only where the port's schedule says `keepGateImages` (else a camera's pictures are
 * discarded as they are parsed). One per read, written in the read's transaction; it goes with its read (the 30-day
 * purge deletes reads, and this row with them).
 */
@Entity('gate_read_images')
@Check('chk_gate_read_images_size', `octet_length("bytes") BETWEEN 1 AND ${MAX_GATE_IMAGE_BYTES}`)
export class GateReadImage {
  @PrimaryColumn({ name: 'read_id', type: 'uuid', primaryKeyConstraintName: 'pk_gate_read_images' })
  readId: string;

  @OneToOne(() => GateRead, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'read_id', foreignKeyConstraintName: 'fk_gate_read_images_read' })
  read: Relation<GateRead>;

  /** image/jpeg or image/png (what the route answers it with). */
  @Column({ name: 'content_type', type: 'varchar', length: 40 })
  contentType: string;

  @Column({ type: 'bytea' })
  bytes: Buffer;
}
