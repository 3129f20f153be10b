/**
 * Services boot in the order they were added and shut down in reverse. A failing boot stops the
 * studio with the service named; a failing shutdown is logged and the others still shut down.
 */
export interface Service {
  readonly name: string;
  boot?(): Promise<void> | void;
  shutdown?(): Promise<void> | void;
}

export class ServiceContainer {
  private readonly services: Service[] = [];
  private booted: Service[] = [];

  constructor(private readonly onShutdownError: (service: string, error: unknown) => void) {}

  add<S extends Service>(service: S): S {
    this.services.push(service);
    return service;
  }

  async boot(): Promise<void> {
    for (const s of this.services) {
      try {
        await s.boot?.();
      } catch (error) {
        await this.shutdown();
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`could not start ${s.name}: ${reason}`, { cause: error });
      }
      this.booted.push(s);
    }
  }

  async shutdown(): Promise<void> {
    const order = this.booted.reverse();
    this.booted = [];
    for (const s of order) {
      try {
        await s.shutdown?.();
      } catch (error) {
        this.onShutdownError(s.name, error);
      }
    }
  }
}
