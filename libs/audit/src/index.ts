export * from './audit.module';
export * from './audit.service';
export * from './audit-chain';
export * from './entities/audit.entities';
export * from './dto/audit.dto';
export * from './audit.repository';
