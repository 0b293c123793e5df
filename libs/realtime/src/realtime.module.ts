import { Global, Module } from '@nestjs/common';
import { LivePublisher } from './live.publisher';

@Global()
@Module({ providers: [LivePublisher], exports: [LivePublisher] })
export class RealtimeModule {}
