import { Module } from '@nestjs/common';

/** Gate cameras: devices, their plate reads and what each read does at its position (issue 19). */
@Module({})
export class GateModule {}
