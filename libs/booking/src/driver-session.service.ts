import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TokenService } from '@kouan/auth';
import { AppConfig } from '@kouan/config';
import { one } from '@kouan/common';
import type { AccessTokenDto, DriverSessionDto } from './dto/booking.dto';
import { driverCodeMatches } from './secrets';

@Injectable()
export class DriverSessionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  /** A driver token scoped to one booking, for the reference and the code the firm passed on. */
  async open(dto: DriverSessionDto): Promise<AccessTokenDto> {
    const reference = dto.reference.toUpperCase();
    const b = await one<{ id: string; firm_id: string; port_code: string; driver_code_hash: string }>(
      this.ds,
      'SELECT id, firm_id, port_code, driver_code_hash FROM bookings WHERE reference = $1',
      [reference],
    );
    if (!b || !driverCodeMatches(this.config.env.jwtSecret, b.id, dto.driverCode, b.driver_code_hash)) {
      throw new UnauthorizedException('wrong reference or driver code');
    }
    return { accessToken: this.tokens.sign({ sub: b.id, role: 'driver', firmId: b.firm_id, portCode: b.port_code }) };
  }
}
