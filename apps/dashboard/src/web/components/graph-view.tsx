import cytoscape, { type Core, type StylesheetJson } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { Dependency, SessionSummary, Task } from '../api-types.js';
import { type DependencyGraph, dependencyGraph, describeGraph } from '../graph-model.js';

cytoscape.use(dagre);

const STATUS_COLORS = {
  active: '#2f6fd6',
  escalated: '#c46f00',
  resolved: '#2e8553',
  closed: '#8a94a3',
  none: '#8a94a3',
} as const;

const STYLE: StylesheetJson = [
  {
    selector: 'node[kind = "repository"]',
    style: {
      shape: 'round-rectangle',
      'background-color': '#f2f4f7',
      'border-color': '#c8d0da',
      'border-width': 1,
      label: 'data(label)',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'font-size': 13,
      'font-weight': 600,
      color: '#2b3440',
      padding: '14px',
    },
  },
  {
    selector: 'node[kind = "task"]',
    style: {
      shape: 'round-rectangle',
      width: 190,
      height: 46,
      'background-color': '#ffffff',
      'border-color': '#8da2b9',
      'border-width': 1,
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-max-width': '176px',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 11,
      color: '#1f2933',
    },
  },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      width: 2,
      'line-color': 'data(color)',
      'target-arrow-color': 'data(color)',
      label: 'data(label)',
      'font-size': 10,
      color: '#2b3440',
      'text-background-color': '#ffffff',
      'text-background-opacity': 1,
      'text-background-padding': '2px',
    },
  },
  { selector: 'edge[?directed]', style: { 'target-arrow-shape': 'triangle' } },
  { selector: 'edge[session]', style: { 'overlay-padding': 4 } },
];

/** Builds the cytoscape instance once and lays the graph out again when it changes. */
function useCytoscape(
  container: { current: HTMLDivElement | null },
  graph: DependencyGraph,
  onSession: (sessionId: string) => void,
) {
  const cy = useRef<Core | undefined>(undefined);
  const onSessionRef = useRef(onSession);
  onSessionRef.current = onSession;
  useEffect(() => {
    if (!container.current) return;
    const instance = cytoscape({
      container: container.current,
      style: STYLE,
      minZoom: 0.3,
      maxZoom: 2.5,
      autoungrabify: true,
      boxSelectionEnabled: false,
    });
    instance.on('tap', 'edge[session]', (event) => {
      onSessionRef.current(event.target.data('session') as string);
    });
    cy.current = instance;
    return () => instance.destroy();
  }, [container]);

  const signature = JSON.stringify(graph.elements);
  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    const elements = graph.elements.map((element) =>
      element.group === 'edges'
        ? { ...element, data: { ...element.data, color: STATUS_COLORS[element.data.status] } }
        : element,
    );
    instance.batch(() => {
      instance.elements().remove();
      instance.add(elements);
    });
    instance
      .layout({
        name: 'dagre',
        rankDir: 'LR',
        nodeSep: 24,
        rankSep: 90,
        padding: 24,
        fit: true,
      } as cytoscape.LayoutOptions)
      .run();
    if (instance.zoom() > 1.3) {
      instance.zoom(1.3);
      instance.center();
    }
  }, [signature]);
}

export function GraphView(props: {
  tasks: readonly Task[];
  dependencies: readonly Dependency[];
  sessions: Readonly<Record<string, SessionSummary>>;
  onSession(sessionId: string): void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const graph = useMemo(
    () => dependencyGraph(props.tasks, props.dependencies, props.sessions),
    [props.tasks, props.dependencies, props.sessions],
  );
  useCytoscape(container, graph, props.onSession);
  const description = describeGraph(graph);
  return (
    <figure class="graph">
      <div ref={container} class="graph-canvas" role="img" aria-label={description} />
      <figcaption>
        <span>{description}.</span>
        <span class="legend" aria-hidden="true">
          {(['active', 'escalated', 'resolved'] as const).map((status) => (
            <span key={status}>
              <i style={{ background: STATUS_COLORS[status] }} /> {status}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}
