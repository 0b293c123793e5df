import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Driver } from './entities/driver.entity';
import { Firm } from './entities/firm.entity';
import { Vehicle } from './entities/vehicle.entity';
import { FirmsController } from './firms.controller';
import { FirmsRepository } from './firms.repository';
import { FirmsService } from './firms.service';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const FIRMS_ENTITIES = [Firm, Vehicle, Driver];

@Module({
  imports: [TypeOrmModule.forFeature(FIRMS_ENTITIES)],
  controllers: [FirmsController],
  providers: [FirmsService, FirmsRepository],
})
export class FirmsModule {}
