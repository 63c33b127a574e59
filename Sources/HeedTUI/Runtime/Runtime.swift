import Foundation
import HeedCore

/// The loop: read a key (or time out for a tick), handle it, run effects, render, present.
public final class Runtime {
    private let terminal: any Terminal
    private let clock: any Clock
    private let data: ScreenData
    /// Changes whenever any process wrote to the cache (SQLite's data_version), so polling is cheap.
    private let changeToken: () throws -> Int
    public private(set) var state: AppState
    /// How often the cache is asked whether anything changed, keys or not.
    static let pollMilliseconds: Int64 = 500

    public init(terminal: any Terminal, state: AppState, clock: any Clock, data: ScreenData) throws {
        self.terminal = terminal
        self.state = state
        self.clock = clock
        self.data = data
        changeToken = try data.changeToken()
    }

    /// Runs until quit; with `untilIdle`, also stops when no key is waiting (scripted tests).
    public func run(untilIdle: Bool = false) throws {
        let size = terminal.size
        _ = state.handle(.resized(width: size.width, height: size.height))
        var token = try changeToken()
        try perform([.reload])
        terminal.present(QueueScreen.render(state))
        var polled = clock.now()
        while true {
            var events: [Event] = []
            let key = terminal.readKey(timeoutMilliseconds: Int(Self.pollMilliseconds))
            if let key {
                if key == .resize {
                    let size = terminal.size
                    events.append(.resized(width: size.width, height: size.height))
                } else if key == .ctrl("c") && state.prompt == nil {
                    return
                } else if key == .ctrl("z"), let curses = terminal as? CursesTerminal {
                    curses.suspend()
                    terminal.present(QueueScreen.render(state))
                    continue
                } else {
                    events.append(.key(key))
                }
            }
            // Polled on time even while keys keep coming, so others' work shows within a second.
            let now = clock.now()
            var changed = false
            if key == nil || now - polled >= Self.pollMilliseconds {
                polled = now
                events.append(.tick(now: now))
                let latest = try changeToken()
                changed = latest != token
                token = latest
            }
            for event in events {
                if try !perform(state.handle(event)) { return }
            }
            if changed, try !perform([.reload]) { return }
            terminal.present(QueueScreen.render(state))
            if key == nil && untilIdle { return }
        }
    }

    /// Runs effects, feeding what they load back as events; false when the operator quit.
    @discardableResult
    private func perform(_ effects: [Effect]) throws -> Bool {
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            switch effect {
            case .quit: return false
            case .reload:
                pending += state.handle(.tick(now: clock.now()))
                pending += state.handle(try loadList())
                if let open = state.conversation?.detail.summary.conversationID { pending += state.handle(try loadConversation(open)) }
            case .openConversation(let id):
                pending += state.handle(try loadConversation(id))
            }
        }
        return true
    }

    private func loadList() throws -> Event {
        do {
            return .loaded(try data.list(state.listRequest, views: state.views, now: state.now))
        } catch let error as QueryError {
            return .searchFailed(error)
        }
    }

    private func loadConversation(_ id: Int64) throws -> Event {
        guard let page = try data.conversation(id) else { return .conversationMissing(id) }
        return .conversationLoaded(page)
    }
}
