import { createHash } from 'node:crypto';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OpenDataRoute } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { PortsFeedDto, WaitsFeedDto, WaitsQueryDto } from './dto/open-data.dto';
import { LICENCE_LINK } from './open-data-terms';
import { OpenDataService } from './open-data.service';

/** The feed's prefix, outside the API's `/api/v1`: a stable public address of its own, versioned on its own. */
export const OPEN_DATA_PREFIX = 'open/v1';
/** Its routes, which the API's global prefix leaves out (apps/api/src/configure-app.ts). */
export const OPEN_DATA_ROUTES = ['ports', 'waits', 'waits.csv'].map((r) => `${OPEN_DATA_PREFIX}/${r}`);

/** How long a client, proxy or CDN may reuse an answer without asking again. */
const CACHE_CONTROL = 'public, max-age=300';

const cached = { description: 'not modified: the If-None-Match sent names this answer (no body)' };
const tooMany = { 429: 'too_many_requests: over OPEN_THROTTLE_LIMIT requests a minute from this address' };
const etagHeader = {
  name: 'If-None-Match',
  required: false,
  description: 'the ETag of an answer already held: 304 while it is still the answer',
};

/**
 * Sends an answer anyone may cache for 5 minutes, with a weak ETag of `content` (what the answer says, without the
 * instant it was read), or 304 when the request's If-None-Match names it (Express's `req.fresh`: lists, `*` and
 * weak tags as RFC 9110 reads them).
 */
function send(req: Request, res: Response, body: string, type: string, content: string = body): void {
  res.set({
    'Cache-Control': CACHE_CONTROL,
    ETag: `W/"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`,
    Link: LICENCE_LINK,
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'ETag, Link',
  });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.status(200).type(type).send(body);
}

/** Open data (docs/open-data.md): anonymous, cached, rate-limited; no plate, firm or person. */
@ApiTags('open data')
@Controller(OPEN_DATA_PREFIX)
export class OpenDataController {
  constructor(private readonly feed: OpenDataService) {}

  @Get('ports')
  @OpenDataRoute()
  @ApiOperation({ summary: 'every port now: lanes open, trucks waiting and the wait estimate per direction' })
  @ApiHeader(etagHeader)
  @ApiOkResponse({ type: PortsFeedDto })
  @ApiResponse({ status: 304, ...cached })
  @ApiErrors(tooMany)
  async ports(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.feed.ports();
    send(req, res, JSON.stringify(answer), 'application/json', JSON.stringify({ ...answer, asOf: undefined }));
  }

  @Get('waits')
  @OpenDataRoute()
  @ApiOperation({ summary: 'per port, local day, hour and direction: trucks served, waits, slot use, stage times' })
  @ApiHeader(etagHeader)
  @ApiOkResponse({ type: WaitsFeedDto })
  @ApiResponse({ status: 304, ...cached })
  @ApiErrors({ 400: 'bad_request: a bad date, to before from, or more than 92 days' }, { 404: 'the port' }, tooMany)
  async waits(@Query() q: WaitsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(req, res, JSON.stringify(await this.feed.waits(q)), 'application/json');
  }

  @Get('waits.csv')
  @OpenDataRoute()
  @ApiOperation({
    summary: 'the same hours as GET /open/v1/waits, as CSV (RFC 4180, header row); the licence in the Link header',
  })
  @ApiHeader(etagHeader)
  @ApiOkResponse({
    content: {
      'text/csv': {
        schema: { type: 'string', example: 'port,date,hour,startsAt,direction,suppressed,trucksServed,...' },
      },
    },
    description: 'one line per item of GET /open/v1/waits, columns in the order of its `fields`; null is empty',
  })
  @ApiResponse({ status: 304, ...cached })
  @ApiErrors({ 400: 'bad_request: a bad date, to before from, or more than 92 days' }, { 404: 'the port' }, tooMany)
  async waitsCsv(@Query() q: WaitsQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.set('Content-Disposition', `inline; filename="kouan-waits-${q.port ?? 'all'}-${q.from}-${q.to}.csv"`);
    send(req, res, await this.feed.waitsCsv(q), 'text/csv; charset=utf-8; header=present');
  }
}
