export * from './dto/open-data.dto';
export * from './open-data-terms';
export * from './open-data.controller';
export * from './open-data.module';
export * from './open-data.service';
