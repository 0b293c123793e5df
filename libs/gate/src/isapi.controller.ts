import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DeviceRoute } from '@kouan/auth';
import { ApiErrors, normalisePlate } from '@kouan/common';
import { CurrentDevice, DeviceGuard, KeyInQuery } from './device.guard';
import { GateReadAnswerDto, IsapiAnswerDto } from './dto/gate-read.dto';
import type { PeekedDevice } from './gate-devices.repository';
import { GateReadsService } from './gate-reads.service';
import { ISAPI_MULTIPART_TYPE, ISAPI_XML_TYPES, isNoPlate, keptImageOf } from './isapi';
import { readIsapiAlert } from './isapi-body';

/**
 * Hikvision ISAPI alerts, as a camera in "HTTP listening" mode posts them (one connection per alert, a 200 expected
 * soon). The body is read here, after DeviceGuard (a caller without a live key gets its 401 before a byte of it is
 * read), by readIsapiAlert: no body parser of the app takes XML or multipart.
 */
@ApiTags('gate')
@ApiSecurity('device')
@Controller('gate')
@DeviceRoute()
@UseGuards(DeviceGuard)
export class IsapiController {
  constructor(private readonly reads: GateReadsService) {}

  @Post('isapi')
  @KeyInQuery()
  @HttpCode(200)
  @ApiOperation({
    summary: 'A Hikvision ISAPI EventNotificationAlert (ANPR read, heartbeat, or another event)',
    description:
      'The device key as `Authorization: Device <key>` or, for cameras that cannot add a header, as `?key=` (never ' +
      'logged). An ANPR alert is a plate read, answered 202 as POST /gate/reads. A heartbeat (`heartBeat`, or an ' +
      'inactive `videoloss`) marks the device alive and is answered 200; any other event type is answered 200 and ' +
      'ignored: cameras expect a 200 to an alert and resend it otherwise. Plain XML (UTF-8, at most 64 KiB) or ' +
      'multipart/form-data with the XML part and pictures (at most 1 MiB each, 2 MiB in all): the plate picture ' +
      "(licensePlatePicture, else the first) is kept only where the port's schedule says `keepGateImages`, else " +
      'discarded. No DTD, entity or processing instruction is accepted.',
  })
  @ApiConsumes(...ISAPI_XML_TYPES, ISAPI_MULTIPART_TYPE)
  @ApiBody({
    schema: {
      type: 'string',
      format: 'binary',
      description: 'an EventNotificationAlert document, or a multipart form holding it (anpr.xml) and pictures',
    },
  })
  @ApiQuery({
    name: 'key',
    required: false,
    description: 'the device key, for cameras that cannot send Authorization (never logged)',
  })
  @ApiAcceptedResponse({ type: GateReadAnswerDto, description: 'an ANPR read: stored, with what it did' })
  @ApiOkResponse({
    type: IsapiAnswerDto,
    description: 'a heartbeat (the device is online, last seen now) or another event (ignored): cameras expect 200',
  })
  @ApiErrors(
    {
      400: 'malformed_alert (not an ANPR alert Kouan can read), xml_not_allowed (a DTD, an entity, a processing instruction, XML nested or wide past its caps)',
    },
    { 401: 'missing, unknown, replaced or revoked device key' },
    { 413: 'alert_too_large (2 MiB in all, 64 KiB of XML, 1 MiB a picture, 8 parts)' },
    { 415: 'unsupported_media_type (not XML or multipart, not UTF-8, or compressed)' },
    { 422: "read_in_future (dateTime more than 5 minutes ahead of the server's clock)" },
    429,
  )
  async alert(@CurrentDevice() device: PeekedDevice, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Answered by hand: a plate read is 202 and the rest 200 (@HttpCode fixes one status per route).
    const alert = await readIsapiAlert(req);
    if (alert.kind === 'heartbeat') {
      await this.reads.heartbeat(device);
      res.status(200).json({ outcome: 'heartbeat' } satisfies IsapiAnswerDto);
    } else if (alert.kind === 'other') {
      res.status(200).json({ outcome: 'ignored', eventType: alert.eventType } satisfies IsapiAnswerDto);
    } else if (isNoPlate(alert.plate) || !normalisePlate(alert.plate)) {
      // A vehicle whose plate the camera could not read (Hikvision writes 无车牌, "no plate"): nothing to match, and
      // a 400 would only make the camera send it again.
      res.status(200).json({ outcome: 'ignored', eventType: 'ANPR', reason: 'no_plate' } satisfies IsapiAnswerDto);
    } else {
      const answer: GateReadAnswerDto = await this.reads.take(device, {
        plate: alert.plate,
        confidence: alert.confidence,
        at: alert.at,
        image: keptImageOf(alert.images),
      });
      res.status(202).json(answer);
    }
  }
}
