/**
 * The frames of one WebSocket, handled one after another in arrival order (a resume finishes before the
 * next frame). A client that sends faster than it is served is slowed down, not cut off: past a high-water
 * mark the queue pauses reading the socket, so TCP pushes back on the sender, and resumes once it drained.
 * Frames the transport had already read when it paused still arrive; past a hard bound the client is cut
 * off, so one socket never holds more than that in memory. One socket's frames use one database connection
 * at a time and yield to the event loop between frames, so a flood from one socket waits behind itself,
 * not in front of the others.
 */

export interface QueueLimits {
  /** Waiting frames, or their bytes, at which reading pauses. */
  pauseFrames: number;
  pauseBytes: number;
  /** Waiting frames at or below which reading resumes (and bytes below half of `pauseBytes`). */
  resumeFrames: number;
  /** Past these the client is cut off. */
  maxFrames: number;
  maxBytes: number;
}

/**
 * A legitimate client sends a handful of frames at a time (one `resume` frame covers many visits); these
 * leave room for a burst of a few hundred, and for what one 64 KiB read holds after the pause.
 */
export const SOCKET_QUEUE_LIMITS: QueueLimits = {
  pauseFrames: 50,
  pauseBytes: 256 * 1024,
  resumeFrames: 10,
  maxFrames: 5000,
  maxBytes: 1024 * 1024,
};

export interface QueueFlow {
  pause(): void;
  resume(): void;
  /** The hard bound was crossed: tell the client and close. Nothing is queued after this. */
  overflow(): void;
  /** A task threw (tasks are expected to answer their own errors). */
  failed(err: unknown): void;
}

interface Task {
  bytes: number;
  run: () => Promise<void>;
}

export class FrameQueue {
  private readonly tasks: Task[] = [];
  private bytes = 0;
  private running = false;
  private paused = false;
  private cut = false;
  /** The most frames that ever waited at once (tests and diagnostics). */
  peak = 0;

  constructor(
    private readonly flow: QueueFlow,
    private readonly limits: QueueLimits = SOCKET_QUEUE_LIMITS,
  ) {}

  /** Queues a frame of `bytes`; false when the socket is (now) over the hard bound and was cut off. */
  push(bytes: number, run: () => Promise<void>): boolean {
    if (this.cut) return false;
    if (this.tasks.length >= this.limits.maxFrames || this.bytes + bytes > this.limits.maxBytes) {
      this.cut = true;
      this.flow.overflow();
      return false;
    }
    this.tasks.push({ bytes, run });
    this.bytes += bytes;
    // An idle queue starts the frame at once; what is left is what waits.
    void this.drain();
    this.peak = Math.max(this.peak, this.tasks.length);
    if (
      !this.paused &&
      (this.tasks.length >= this.limits.pauseFrames || this.bytes >= this.limits.pauseBytes)
    ) {
      this.paused = true;
      this.flow.pause();
    }
    return true;
  }

  /** Runs server work (a rights check) in turn with the frames, outside the bounds. */
  enqueue(run: () => Promise<void>): void {
    this.tasks.push({ bytes: 0, run });
    void this.drain();
  }

  /** Frames waiting (not counting the one being handled). */
  get waiting(): number {
    return this.tasks.length;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
        this.bytes -= task.bytes;
        if (
          this.paused &&
          !this.cut &&
          this.tasks.length <= this.limits.resumeFrames &&
          this.bytes < this.limits.pauseBytes / 2
        ) {
          this.paused = false;
          this.flow.resume();
        }
        try {
          await task.run();
        } catch (err) {
          this.flow.failed(err);
        }
        // Let the event loop read other sockets between two frames: a frame whose queries resolve without
        // I/O (PGlite runs in-process) would otherwise keep everyone else waiting until the flood is done.
        if (this.tasks.length > 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.running = false;
    }
  }
}
