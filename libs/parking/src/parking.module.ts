import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ParkingController } from './parking.controller';
import { ParkingRepository } from './parking.repository';
import { ParkingService } from './parking.service';
import { FreeBay } from './entities/free-bay.entity';
import { ParkingArea } from './entities/parking-area.entity';

/** The tables this lib owns: registered with TypeORM by this module, listed whole for the CLI's DataSource. */
export const PARKING_ENTITIES = [ParkingArea, FreeBay];

@Module({
  imports: [TypeOrmModule.forFeature(PARKING_ENTITIES)],
  controllers: [ParkingController],
  providers: [ParkingService, ParkingRepository],
  exports: [ParkingService],
})
export class ParkingModule {}
