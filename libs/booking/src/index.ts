export * from './booking-status';
export * from './booking.module';
export * from './booking.service';
export * from './dto/booking.dto';
export * from './entities/booking.entity';
export * from './entities/idempotency-key.entity';
export * from './secrets';
