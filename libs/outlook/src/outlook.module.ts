import { Module } from '@nestjs/common';
import { OutlookController } from './outlook.controller';
import { OutlookPool } from './outlook-pool';
import { OutlookRepository } from './outlook.repository';
import { OutlookService } from './outlook.service';

/** The outlook (docs/outlook.md): reads only, no table of its own; the model runs in a worker thread. */
@Module({
  controllers: [OutlookController],
  providers: [OutlookRepository, OutlookPool, OutlookService],
  exports: [OutlookService],
})
export class OutlookModule {}
