/// The words the demo is written from: what customers of a retail bank really say about it.
enum DemoCorpus {
    static let products = ["the app", "my debit card", "my credit card", "online banking", "my savings account",
                           "the mortgage portal", "contactless", "Apple Pay", "Google Pay", "the overdraft", "my ISA",
                           "international transfers", "the card reader", "direct debits", "standing orders"]
    static let amounts = ["£12.99", "£45", "£120", "£250", "£38.50", "£1,200", "£7.99", "£600", "€90", "$75"]
    static let times = ["since 9", "since this morning", "for two days", "since Friday", "for a week now", "since last night",
                        "all weekend", "for 3 hours"]
    static let features = ["dark mode", "spending categories I can edit", "round-ups into savings", "a joint account in the app",
                           "instant card freeze from the watch", "CSV export of statements", "Open Banking with my pension",
                           "notifications for every card payment", "a travel mode", "paying friends by phone number"]
    static let firstNames = ["Dana", "Lee", "Marta", "Olu", "Kai", "Sofia", "Ben", "Aisha", "Tom", "Yuki", "Chen", "Ravi",
                             "Emma", "Jonas", "Fatima", "Liam", "Noor", "Pedro", "Hannah", "Mateo", "Chloe", "Ivan",
                             "Grace", "Mei", "Sean", "Zara", "Owen", "Lucia", "Arjun", "Freya"]
    static let lastNames = ["Kowalski", "Brown", "Okafor", "Lopez", "Schmidt", "Tanaka", "Patel", "Murphy", "Nguyen", "Rossi",
                            "Dubois", "Haddad", "Jones", "Silva", "Novak", "Ahmed", "Walsh", "Kim", "Berg", "Costa"]
    static let handleWords = ["throwaway", "coffee", "runner", "dad", "mum", "gamer", "plant", "cyclist", "retro", "nightowl",
                              "cornish", "north", "city", "bookworm", "vinyl", "tea", "chef", "hiker"]
    static let mastodonHosts = ["mastodon.social", "mstdn.io", "fosstodon.org", "hachyderm.io", "mas.to", "toot.community"]

    static let complaints = [
        "my card was charged twice for {amount} and nobody answers",
        "been on hold for 40 minutes, this is ridiculous",
        "{product} keeps logging me out {time}. Fix it please",
        "still waiting for my refund of {amount}. Third time asking!!",
        "why was I charged a {amount} fee I never agreed to?",
        "{product} declined at the supermarket, so embarrassing 😡",
        "transfer of {amount} has been pending {time}, where is my money",
        "worst customer service I have ever had. Nobody reads the messages",
        "you blocked my card while I'm abroad and the number on the back doesn't work",
        "{product} shows the wrong balance {time}",
        "I reported a fraudulent payment of {amount} and heard nothing back",
        "closing my account if this isn't sorted today. Absolutely fed up",
        "not happy. {product} failed again and the chat bot is useless",
        "cannot believe I was double charged AGAIN",
    ]
    static let questions = [
        "how do I export my statements to csv?",
        "does {product} work abroad without fees?",
        "what's the daily limit for contactless now?",
        "can I change my direct debit date in the app?",
        "is there a way to freeze {product} temporarily?",
        "how long does an international transfer usually take?",
        "do you support {product} on Android 14?",
        "where do I find my sort code in the new app?",
        "can someone explain the new overdraft charges?",
        "how do I add my partner to my savings account?",
        "is it safe to use the card reader on a public computer?",
        "what time do payments go out on a bank holiday?",
    ]
    static let praise = [
        "thanks so much @{brand_handle} for sorting my card in 5 minutes 🙌",
        "honestly the new app update is great, well done",
        "shout out to Priya in your support team, brilliant help today",
        "switched to Northwind last month and haven't looked back ❤️",
        "{product} just works. Love it",
        "fast, friendly answer from support, thank you!",
        "the spending insights are actually useful, nice one 👏",
    ]
    static let ideas = [
        "it would be great if you added {feature}",
        "feature request: {feature} please!",
        "any plans for {feature}? would switch all my accounts",
        "would love {feature} in the app",
        "why not let us have {feature}? every other bank does",
    ]
    static let indirect = [
        "anyone else having issues with Northwind Bank {time}?",
        "Northwind's new ad is everywhere lol",
        "thinking of moving my mortgage to Northwind, any experiences?",
        "my bank (Northwind) just changed the app icon and I can't find it",
        "Northwind Bank vs the others for a first current account?",
    ]
    static let followUps = [
        "done, sent you a DM",
        "still not fixed, this is the second time I'm asking",
        "thanks, that worked!",
        "I did that already and it still fails",
        "ok, waiting for your reply in DM",
        "any update? it's been hours",
        "sorted now, cheers 👍",
    ]
    static let ourReplies = [
        "Hi {first_name}, sorry to hear this. Could you send us a DM with the details so we can look into it? ^{sig}",
        "Hi {first_name}, thanks for flagging. You can do this under Settings → Statements in the app. ^{sig}",
        "Thanks {first_name}, really glad we could help! ^{sig}",
        "Hi {first_name}, I've passed this to our product team. ^{sig}",
        "Hi {first_name}, we're sorry for the wait — checking this for you now. ^{sig}",
    ]
    static let outage = [
        "is the app down? can't log in {time}",
        "app down again?? can't log in to pay rent",
        "Northwind app down, login just spins",
        "can't log in, app says 'service unavailable'",
        "anyone else? app down and online banking won't load either",
        "login broken on the app. Is the app down for everyone?",
        "app down, card payments still work though",
    ]
    static let spam = [
        "💰 Crypto giveaway! DM me for guaranteed returns, Northwind customers get 10x",
        "I made £5,000 this week with this trading bot, DM me for the link",
        "Northwind users: claim your free gift card here → bit.ly/free-nw-gift",
        "Guaranteed returns 300% in 7 days, ask me how!!! #Northwind #crypto",
    ]
    /// Other languages, as customers of a bank with branches abroad write them.
    static let foreign: [(lang: String, text: String)] = [
        ("es", "¿Por qué me cobraron dos veces? Necesito ayuda urgente"),
        ("es", "La app no funciona desde esta mañana 😤"),
        ("de", "Meine Karte wurde gesperrt und niemand antwortet. Sehr ärgerlich!"),
        ("de", "Danke für die schnelle Hilfe gestern 👍"),
        ("fr", "Impossible de me connecter à l'application depuis hier soir"),
        ("fr", "Merci beaucoup, problème résolu !"),
        ("pt", "Como faço para transferir dinheiro para o exterior?"),
        ("ja", "アプリにログインできません。助けてください"),
        ("ja", "カードが二重に請求されました 😢"),
        ("zh", "我的转账还没有到账，已经三天了"),
        ("ko", "앱이 계속 멈춰요. 언제 고쳐지나요?"),
        ("pl", "Dlaczego przelew trwa tak długo?"),
    ]
}
