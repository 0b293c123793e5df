import { ApiProperty } from '@nestjs/swagger';
import { OnTheWayTruckDto } from '@kouan/booking';
import { DIRECTIONS } from '@kouan/ports';
import { LaneRefDto } from './queue.dto';

/** A truck the yard waits for (YardCalledTruck). */
export class YardCalledTruckDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({ example: 'MOHAN-20261129-7K3F' }) reference: string;
  @ApiProperty({ example: '云K12345', description: 'the whole plate: the yard checks it at its gate' }) plate: string;
  @ApiProperty({
    enum: ['called', 'completed'],
    description:
      'called: on its way to or at its lane; completed: the lane let it go, the yard has not confirmed it yet',
  })
  status: 'called' | 'completed';
  @ApiProperty({ type: LaneRefDto, description: 'the lane it was called to' }) lane: LaneRefDto;
  @ApiProperty({ format: 'date-time' }) calledAt: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when its lane completed it; null while called',
  })
  completedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'whole minutes from the call to `at`' }) minutesSinceCall: number;
}

/** One of the next trucks in line (YardNextTruck). */
export class YardNextTruckDto {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({ type: 'integer', description: 'place among waiting trucks, from 1' }) position: number;
  @ApiProperty({ example: '云K12345' }) plate: string;
  @ApiProperty({ example: 'MOHAN-20261129-7K3F' }) reference: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "minutes until its call, at the lanes' pace; null while no lane of its direction is open",
  })
  etaMinutes: number | null;
}

/** GET /ports/:code/yard, and each yard:update: the yard's whole view of one direction. */
export class YardViewDto {
  @ApiProperty({ example: 'MOHAN' }) port: string;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({ format: 'date-time', description: 'when the view was read' }) at: string;
  @ApiProperty({
    type: [YardCalledTruckDto],
    description:
      'in call order: the called trucks, and those completed at their lane in the last 12 hours that the yard has not confirmed',
  })
  called: YardCalledTruckDto[];
  @ApiProperty({ type: [YardNextTruckDto], description: 'the first 10 waiting (checked_in) trucks, in queue order' })
  next: YardNextTruckDto[];
  @ApiProperty({
    type: [OnTheWayTruckDto],
    description:
      'import only (empty for export): trucks the far side announced as left towards us, oldest first, until one with the plate checks in here (at most 72 hours)',
  })
  onTheWay: OnTheWayTruckDto[];
}
