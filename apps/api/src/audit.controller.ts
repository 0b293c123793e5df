import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { AuditService, AuditEntryDto, AuditQueryDto, AuditVerifyDto, AuditVerifyQueryDto } from '@kouan/audit';

/** The audit trail, for regulators (every port, read-only) and port admins (docs/audit.md). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('regulator', 'port_admin')
  @ApiOkResponse({ type: [AuditEntryDto], description: 'in chain order (seq); paged with limit and offset' })
  @ApiErrors(400, 401, { 403: 'anyone but a regulator or a port admin' })
  list(@Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    return this.audit.list(q);
  }

  @Get('verify')
  @Roles('regulator', 'port_admin')
  @ApiOkResponse({ type: AuditVerifyDto })
  @ApiErrors(400, 401, { 403: 'anyone but a regulator or a port admin' })
  verify(@Query() q: AuditVerifyQueryDto): Promise<AuditVerifyDto> {
    return this.audit.verify(
      q.fromSeq === undefined || q.fromHash === undefined ? undefined : { seq: q.fromSeq, hash: q.fromHash },
    );
  }
}
