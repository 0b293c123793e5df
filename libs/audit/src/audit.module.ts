import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditEntry, AuditPending } from './entities/audit.entities';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const AUDIT_ENTITIES = [AuditPending, AuditEntry];

/** The audit trail's writer side, for every lib that records staff actions; the API adds AuditController. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule {}
