import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { JobQueue } from '@kouan/jobs';
import { JobsBoardSessionController } from './jobs-board-session.controller';
import { JOBS_BOARD_PATH, JobsBoardGate } from './jobs-board.gate';

/** Bull Board over every queue of `JobQueue`, for port admins, at /admin/queues (docs/operations.md). */
@Module({
  imports: [
    BullBoardModule.forRoot({
      route: JOBS_BOARD_PATH,
      adapter: ExpressAdapter,
      middleware: JobsBoardGate,
      boardOptions: { uiConfig: { boardTitle: 'Kouan jobs' } },
    }),
    BullBoardModule.forFeature(...Object.values(JobQueue).map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
  controllers: [JobsBoardSessionController],
})
export class JobsBoardModule {}
