/**
 * Global industry and sector presets: what a new site can start from. Data, not code paths:
 * add an industry or a sector here and it appears in GET /v1/presets.
 */
export interface SectorPreset {
  sectorId: string;
  name: string;
  description: string;
  seedKeywords: string[];
}

export interface IndustryPreset {
  industryId: string;
  name: string;
  description: string;
  sectors: SectorPreset[];
}

const s = (sectorId: string, name: string, description: string, seedKeywords: string[]): SectorPreset => ({
  sectorId,
  name,
  description,
  seedKeywords,
});

export const industries: IndustryPreset[] = [
  {
    industryId: "home-services",
    name: "Home services",
    description: "Trades that come to the customer's home.",
    sectors: [
      s("plumbing", "Plumbing", "Repairs, installs and emergencies.", ["plumber near me", "leaking pipe repair"]),
      s("drain-cleaning", "Drain cleaning", "Blocked drains and sewer lines.", ["drain cleaning", "clogged drain"]),
      s("hvac", "Heating and cooling", "Furnaces, heat pumps, air conditioning.", ["ac repair", "furnace installation"]),
      s("roofing", "Roofing", "Roof repair and replacement.", ["roof repair", "roof replacement cost"]),
      s("electrical", "Electrical", "Electricians, panels, wiring.", ["electrician near me", "panel upgrade"]),
    ],
  },
  {
    industryId: "health",
    name: "Health and wellness",
    description: "Clinics, practitioners and wellbeing.",
    sectors: [
      s("dental", "Dental", "General and cosmetic dentistry.", ["dentist near me", "teeth whitening"]),
      s("physiotherapy", "Physiotherapy", "Rehabilitation and sports injuries.", ["physiotherapy for back pain"]),
      s("mental-health", "Mental health", "Therapy and counselling.", ["online therapy", "anxiety counselling"]),
      s("nutrition", "Nutrition", "Diet and nutrition advice.", ["meal plan for weight loss"]),
    ],
  },
  {
    industryId: "legal",
    name: "Legal",
    description: "Law firms and legal services.",
    sectors: [
      s("personal-injury", "Personal injury", "Accident and injury claims.", ["car accident lawyer"]),
      s("family-law", "Family law", "Divorce, custody, adoption.", ["divorce lawyer", "child custody"]),
      s("immigration", "Immigration", "Visas and residency.", ["work visa requirements"]),
      s("business-law", "Business law", "Contracts and company formation.", ["how to form an llc"]),
    ],
  },
  {
    industryId: "ecommerce",
    name: "E-commerce",
    description: "Online shops selling physical products.",
    sectors: [
      s("fashion", "Fashion", "Clothing, shoes and accessories.", ["summer dresses", "running shoes"]),
      s("home-garden", "Home and garden", "Furniture, decor, gardening.", ["outdoor furniture", "indoor plants"]),
      s("electronics", "Electronics", "Devices and accessories.", ["best wireless earbuds"]),
      s("beauty", "Beauty", "Skincare, make-up, haircare.", ["vitamin c serum", "curly hair products"]),
    ],
  },
  {
    industryId: "saas",
    name: "Software (SaaS)",
    description: "Software sold as a service.",
    sectors: [
      s("marketing-software", "Marketing software", "Email, SEO, social tools.", ["email marketing software"]),
      s("productivity", "Productivity", "Project and task management.", ["project management tool"]),
      s("finance-software", "Finance software", "Invoicing, accounting, payroll.", ["invoicing software"]),
      s("developer-tools", "Developer tools", "APIs, hosting, monitoring.", ["api monitoring"]),
    ],
  },
  {
    industryId: "real-estate",
    name: "Real estate",
    description: "Agents, brokers and property services.",
    sectors: [
      s("buying", "Buying a home", "First-time and repeat buyers.", ["first time home buyer"]),
      s("selling", "Selling a home", "Valuations and listings.", ["how to sell my house fast"]),
      s("rentals", "Rentals", "Landlords and tenants.", ["apartments for rent"]),
      s("property-management", "Property management", "Managing rental property.", ["property management fees"]),
    ],
  },
  {
    industryId: "finance",
    name: "Personal finance",
    description: "Money, credit and investing.",
    sectors: [
      s("investing", "Investing", "Stocks, funds, retirement.", ["index funds for beginners"]),
      s("credit", "Credit", "Cards, scores and loans.", ["how to improve credit score"]),
      s("insurance", "Insurance", "Home, car, life and health.", ["term life insurance"]),
      s("budgeting", "Budgeting", "Saving and spending plans.", ["50 30 20 budget"]),
    ],
  },
  {
    industryId: "travel",
    name: "Travel and hospitality",
    description: "Trips, stays and experiences.",
    sectors: [
      s("destinations", "Destinations", "City and country guides.", ["things to do in lisbon"]),
      s("hotels", "Hotels and stays", "Where to stay.", ["boutique hotels rome"]),
      s("travel-tips", "Travel tips", "Packing, budgets, safety.", ["carry on packing list"]),
    ],
  },
  {
    industryId: "food",
    name: "Food and restaurants",
    description: "Restaurants, recipes and catering.",
    sectors: [
      s("recipes", "Recipes", "Cooking at home.", ["easy dinner recipes"]),
      s("restaurants", "Restaurants", "Dining out and menus.", ["best brunch near me"]),
      s("catering", "Catering", "Events and corporate food.", ["wedding catering cost"]),
    ],
  },
  {
    industryId: "education",
    name: "Education",
    description: "Schools, courses and tutoring.",
    sectors: [
      s("online-courses", "Online courses", "Self-paced learning.", ["learn python online"]),
      s("tutoring", "Tutoring", "One-to-one help.", ["math tutor near me"]),
      s("test-prep", "Test preparation", "Exams and admissions.", ["sat prep tips"]),
    ],
  },
  {
    industryId: "automotive",
    name: "Automotive",
    description: "Car sales, repair and care.",
    sectors: [
      s("auto-repair", "Auto repair", "Mechanics and servicing.", ["brake repair cost"]),
      s("car-sales", "Car sales", "New and used cars.", ["best used suv"]),
      s("detailing", "Detailing", "Cleaning and protection.", ["ceramic coating"]),
    ],
  },
  {
    industryId: "marketing-agency",
    name: "Marketing agency",
    description: "Agencies selling marketing services.",
    sectors: [
      s("seo-services", "SEO services", "Search optimisation for clients.", ["local seo services"]),
      s("ppc", "Paid advertising", "Search and social ads.", ["google ads management"]),
      s("web-design", "Web design", "Sites and landing pages.", ["small business website design"]),
    ],
  },
];
