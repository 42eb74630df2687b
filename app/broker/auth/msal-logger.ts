/**
 * MSAL's logger, piped through redactSecrets() (app/shared/redact.ts) into the broker's log sink. PII logging
 * stays off; every line is redacted anyway.
 */
import { LogLevel, type NodeSystemOptions } from '@azure/msal-node';

type LoggerOptions = NonNullable<NodeSystemOptions['loggerOptions']>;
import { redactSecrets } from '../../shared/redact.ts';

export type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', line: string) => void;

/** Default sink: nothing (the host passes its logger). */
export const silentSink: LogSink = () => undefined;

export function msalLoggerOptions(sink: LogSink, verbose = false): LoggerOptions {
  return {
    piiLoggingEnabled: false,
    logLevel: verbose ? LogLevel.Verbose : LogLevel.Warning,
    loggerCallback: (level: LogLevel, message: string) => {
      const mapped =
        level === LogLevel.Error
          ? 'error'
          : level === LogLevel.Warning
            ? 'warn'
            : level === LogLevel.Info
              ? 'info'
              : 'debug';
      sink(mapped, redactSecrets(`msal: ${message}`));
    },
  };
}

/** Wraps a sink so every line is redacted before it is written. */
export function redactingSink(sink: LogSink): LogSink {
  return (level, line) => sink(level, redactSecrets(line));
}
