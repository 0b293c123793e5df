import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** `:code` path parameters: case-insensitive, letters, digits and dashes. */
@Injectable()
export class PortCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const code = value.toUpperCase();
    if (!/^[A-Z0-9-]{2,32}$/.test(code))
      throw new BadRequestException('port code must be 2-32 letters, digits or dashes');
    return code;
  }
}
