import type { DynamicModule } from '@nestjs/common';
import { Clock, ClockModule, ScaledClock, SystemClock } from '@kouan/common';
import { AppConfig } from '@kouan/config';

/**
 * The Clock of an API or worker process: a test's when it gives one, else the simulated clock CLOCK_START asks for
 * (tests and the soak: libs/config `Env.clock`), else the system's.
 */
export function processClock(clock?: Clock): DynamicModule {
  if (clock) return ClockModule.with(clock);
  return {
    module: ClockModule,
    providers: [
      {
        provide: Clock,
        inject: [AppConfig],
        useFactory: (c: AppConfig): Clock => (c.env.clock ? new ScaledClock(c.env.clock) : new SystemClock()),
      },
    ],
    exports: [Clock],
  };
}
