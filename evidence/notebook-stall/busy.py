"""CPU load for the stall experiments: N processes spinning for S seconds."""
import multiprocessing, sys, time
def spin(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pass
if __name__ == "__main__":
    n, seconds = int(sys.argv[1]), float(sys.argv[2])
    procs = [multiprocessing.Process(target=spin, args=(seconds,)) for _ in range(n)]
    [p.start() for p in procs]; [p.join() for p in procs]
