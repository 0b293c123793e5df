import { Module } from '@nestjs/common';
import { AuditModule } from '@kouan/audit';
import { UsersRepository, UsersService } from '@kouan/auth';
import { ClockModule } from '@kouan/common';
import { KouanConfigModule } from '@kouan/config';
import { ENTITIES } from '../../entities';
import { DbModule } from '@kouan/db';
import { ParkingRepository, ParkingService } from '@kouan/parking';
import { PortSeedService, PortsRepository } from '@kouan/ports';

/** Just what the seed needs: no HTTP, no Redis. */
@Module({
  imports: [KouanConfigModule.forRoot(), ClockModule, DbModule.forRoot(ENTITIES), AuditModule],
  providers: [PortSeedService, PortsRepository, ParkingService, ParkingRepository, UsersService, UsersRepository],
})
export class SeedModule {}
