import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { Actor, actorContext } from '@kouan/common';
import type { Principal } from './principal';

export const actorOf = (p: Principal): Actor => ({
  id: p.sub,
  role: p.role,
  ...(p.portCode ? { port: p.portCode } : {}),
  ...(p.firmId ? { firm: p.firmId } : {}),
});

/** Runs each authenticated request's handler with its actor (after the guard proved who calls). */
@Injectable()
export class ActorInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal =
      ctx.getType() === 'http' ? ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal : undefined;
    if (!principal) return next.handle();
    const actor = actorOf(principal);
    return new Observable((subscriber) => actorContext.run(actor, () => next.handle().subscribe(subscriber)));
  }
}
