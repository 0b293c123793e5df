import { Module } from '@nestjs/common';
import { PortsModule } from '@kouan/ports';
import { OpenDataController } from './open-data.controller';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';

/** The open data feed (docs/open-data.md): reads only; no table of its own. */
@Module({
  imports: [PortsModule],
  controllers: [OpenDataController],
  providers: [OpenDataRepository, OpenDataService],
})
export class OpenDataModule {}
