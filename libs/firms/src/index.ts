export * from './dto/firm.dto';
export * from './entities/driver.entity';
export * from './entities/firm.entity';
export * from './entities/vehicle.entity';
export * from './firm-standings';
export * from './firms.module';
