import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Driver } from './entities/driver.entity';
import { Firm } from './entities/firm.entity';
import { Vehicle } from './entities/vehicle.entity';
import { FirmsController } from './firms.controller';
import { FirmsRepository } from './firms.repository';
import { FirmsService } from './firms.service';

@Module({
  imports: [TypeOrmModule.forFeature([Firm, Vehicle, Driver])],
  controllers: [FirmsController],
  providers: [FirmsService, FirmsRepository],
})
export class FirmsModule {}
