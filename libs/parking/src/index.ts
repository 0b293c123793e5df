export * from './dto/parking-area.dto';
export * from './entities/parking-area.entity';
export * from './geo';
export * from './parking.module';
export * from './parking.repository';
export * from './parking.service';
