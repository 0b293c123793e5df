import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@kouan/common';
import { AccountsService } from './accounts.service';
import { CurrentPrincipal, Roles } from './decorators';
import { AccountResponseDto } from './dto/create-user.dto';
import type { Principal } from './principal';

/** Disabling and enabling accounts: a port admin any account, a firm admin its own firm's (others do not exist: 404). */
@ApiTags('auth')
@Controller('users')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  /** The account can no longer sign in; its sessions end at once (tokens refused, sockets closed). */
  @Post(':id/disable')
  @Roles('port_admin', 'firm_admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict: your own account' })
  disable(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AccountResponseDto> {
    return this.accounts.setDisabled(p, id, true);
  }

  @Post(':id/enable')
  @Roles('port_admin', 'firm_admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiErrors(400, 401, 403, 404)
  enable(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AccountResponseDto> {
    return this.accounts.setDisabled(p, id, false);
  }
}
