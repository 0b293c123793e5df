import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { DRIVER_CODE_LOCK_AFTER, DRIVER_CODE_PER_HOUR } from '../secrets';

/**
 * Wrong driver codes given for one reference since its code was issued, from every address together. Any
 * reference a caller types is counted, booked or not, so a made-up one answers exactly as a real one does; a
 * new code deletes the reference's rows. Every count of a reference is changed under this row's lock.
 */
@Entity('driver_code_guesses')
@Check('chk_driver_code_guesses_failures', `"failures" BETWEEN 0 AND ${DRIVER_CODE_LOCK_AFTER}`)
export class DriverCodeGuesses {
  /** As typed (upper case), not a foreign key: unknown references are counted too. */
  @PrimaryColumn({ type: 'varchar', length: 60 })
  reference: string;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/** Wrong codes for one reference from one client address (secrets.ts `addressKey`) in its current hour. */
@Entity('driver_code_address_guesses')
@Check('chk_driver_code_address_guesses_failures', `"failures" BETWEEN 1 AND ${DRIVER_CODE_PER_HOUR}`)
export class DriverCodeAddressGuesses {
  @PrimaryColumn({ type: 'varchar', length: 60 })
  reference: string;

  /** HMAC of the IPv4 address or IPv6 /64. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  address: string;

  /** The first wrong code after the previous hour from this address ended. */
  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'integer' })
  failures: number;

  @ManyToOne(() => DriverCodeGuesses, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reference' })
  guesses?: Relation<DriverCodeGuesses>;
}
