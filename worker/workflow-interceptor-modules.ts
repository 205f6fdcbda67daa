/**
 * Workflow interceptors bundled with the workflows (they run inside the workflow sandbox): request ids always,
 * OpenTelemetry's when tracing is on. A prebuilt bundle must have been built with the same list.
 */
export function workflowInterceptorModules(tracing: boolean): string[] {
  return [
    require.resolve('../workflows/request-id-interceptors'),
    ...(tracing ? [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : []),
  ];
}
