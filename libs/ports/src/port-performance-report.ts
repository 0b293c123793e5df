import type { PerformanceQueryDto, PortPerformanceDto } from './dto/performance.dto';

/**
 * Every road port side by side over local days (docs/forecast.md), served at this lib's `GET /ports/performance`
 * (`port-performance.controller.ts`). The figures are the insights lib's, a layer above this one (reads over
 * bookings, lanes and the yard), so this lib declares the route and the insights lib provides the report
 * (`PortPerformanceReportModule`, registered by the API). Without a provider the API refuses to boot.
 */
export abstract class PortPerformanceReport {
  abstract report(q: PerformanceQueryDto): Promise<PortPerformanceDto[]>;
}
