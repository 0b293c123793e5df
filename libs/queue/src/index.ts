export * from './dto/queue.dto';
export * from './entities/queue-state.entity';
export * from './eta';
export * from './jobs/expire-overdue.job';
export * from './queue-notifier';
export * from './queue-read.service';
export * from './queue.module';
export * from './live-queue';
