import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@kouan/audit';
import { User, UsersService } from '@kouan/auth';
import { KouanConfigModule } from '@kouan/config';
import { DbModule } from '@kouan/db';
import { ParkingService } from '@kouan/parking';
import { PortSeedService, PortsRepository } from '@kouan/ports';
import { ENTITIES } from '../../entities';

/** Just what the seed needs: no HTTP, no Redis. */
@Module({
  imports: [KouanConfigModule.forRoot(), DbModule.forRoot(ENTITIES), AuditModule, TypeOrmModule.forFeature([User])],
  providers: [PortSeedService, PortsRepository, ParkingService, UsersService],
})
export class SeedModule {}
