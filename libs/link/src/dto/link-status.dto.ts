import { ApiProperty } from '@nestjs/swagger';

/** Where one of our ports' link with the far side's Kouan stands (COUNTERPART_LINKS), for its port admin. */
export class LinkStatusDto {
  @ApiProperty({ example: 'BOTEN' }) port: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://kouan.mohan.example/api/v1/ports/MOHAN',
    description: "their port's URL (never the credential); null until the worker first ran a link of this port",
  })
  remote: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSuccessAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastFailureAt: string | null;
  @ApiProperty({ description: 'failed runs since the last success (each retried with backoff)' }) failures: number;
  @ApiProperty({ nullable: true, type: String, description: 'what the last failure said' }) lastError: string | null;

  @ApiProperty({
    type: [String],
    example: ['2026-12-06', '2026-12-07'],
    description: 'their dates our import capacity was pushed for (each re-pushed only when it changes)',
  })
  pushedDates: string[];
}
